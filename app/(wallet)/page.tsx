import { Landing } from "@/components/landing/landing";

// Returning users go to their messages before the landing page even paints.
const RETURNING = `try{if(localStorage.getItem("messenger:lastAddress"))location.replace("/conversations")}catch(e){}`;

export default function HomePage() {
  return (
    <>
      <script dangerouslySetInnerHTML={{ __html: RETURNING }} />
      <Landing />
    </>
  );
}
